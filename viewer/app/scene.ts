// vtk.js side: one render window split into up to three renderers (prediction / reference /
// error) that share one camera, each with its own colour map and scalar bar.
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkInteractorStyleTrackballCamera from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkCamera from '@kitware/vtk.js/Rendering/Core/Camera';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkColorMaps from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction/ColorMapsLite';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderWindowInteractor from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkScalarBarActor from '@kitware/vtk.js/Rendering/Core/ScalarBarActor';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import type { Bounds, Surface } from './surface.js';

export interface PanelSpec {
  readonly title: string;
  readonly surface: Surface;
  /** Array to colour by; undefined draws a solid colour (e.g. particles without data). */
  readonly array?: string;
  readonly range: [number, number];
  /** A vtk.js colour-map preset name. */
  readonly preset: string;
  /** Drawn over the surface in solid colours (a ground truth's particles, a goal marker). */
  readonly overlays?: readonly OverlaySpec[];
}

export interface OverlaySpec {
  readonly surface: Surface;
  readonly colour: [number, number, number];
  readonly pointSize: number;
  readonly opacity: number;
}

interface OverlayActor {
  readonly actor: vtkActor;
  readonly polyData: vtkPolyData;
}

interface Panel {
  readonly renderer: vtkRenderer;
  readonly polyData: vtkPolyData;
  readonly mapper: vtkMapper;
  readonly colours: vtkColorTransferFunction;
  readonly scalarBar: vtkScalarBarActor;
  readonly overlays: OverlayActor[];
}

export class FieldScene {
  private readonly window = vtkRenderWindow.newInstance();
  private readonly gl = vtkOpenGLRenderWindow.newInstance();
  private readonly camera = vtkCamera.newInstance();
  private readonly panels: Panel[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly titles: HTMLElement,
  ) {
    this.window.addView(this.gl);
    this.gl.setContainer(container);
    const interactor = vtkRenderWindowInteractor.newInstance();
    interactor.setView(this.gl);
    interactor.initialize();
    interactor.bindEvents(container);
    interactor.setInteractorStyle(vtkInteractorStyleTrackballCamera.newInstance());
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
  }

  /**
   * Shows the panels side by side. `frame` re-aims the shared camera at these bounds (a new
   * dataset; for a series, the bounds of all frames, so motion stays in view).
   */
  show(specs: readonly PanelSpec[], frame?: Bounds): void {
    while (this.panels.length < specs.length) this.panels.push(this.createPanel());
    this.panels.forEach((p, i) => {
      const attached = this.window.getRenderers().includes(p.renderer);
      if (i < specs.length) {
        this.update(p, specs[i]);
        p.renderer.setViewport(i / specs.length, 0, (i + 1) / specs.length, 1);
        if (!attached) this.window.addRenderer(p.renderer);
      } else if (attached) this.window.removeRenderer(p.renderer);
    });
    this.titles.replaceChildren(...specs.map((s) => Object.assign(document.createElement('div'), { textContent: s.title })));
    if (frame && specs.length > 0) this.panels[0].renderer.resetCamera(frame);
    for (const p of this.panels.slice(0, specs.length)) p.renderer.resetCameraClippingRange();
    this.window.render();
  }

  /** PNG data URL of the next frame (the WebGL buffer is not kept between frames). */
  async capture(): Promise<string> {
    const png = this.gl.captureNextImage('image/png') as Promise<string>;
    this.window.render();
    return png;
  }

  private resize(): void {
    const { width, height } = this.container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.gl.setSize(Math.max(1, Math.floor(width * dpr)), Math.max(1, Math.floor(height * dpr)));
    this.window.render();
  }

  private createPanel(): Panel {
    const renderer = vtkRenderer.newInstance({ background: [0.11, 0.12, 0.14] });
    renderer.setActiveCamera(this.camera);
    const polyData = vtkPolyData.newInstance();
    const mapper = vtkMapper.newInstance({ interpolateScalarsBeforeMapping: true });
    mapper.setInputData(polyData);
    const colours = vtkColorTransferFunction.newInstance();
    mapper.setLookupTable(colours);
    const actor = vtkActor.newInstance();
    actor.setMapper(mapper);
    // Flat colours: shading would distort the colour map on 2D fields.
    actor.getProperty().set({ ambient: 1, diffuse: 0, pointSize: 5, lineWidth: 2, color: [0.85, 0.85, 0.9] });
    renderer.addActor(actor);
    const scalarBar = vtkScalarBarActor.newInstance();
    scalarBar.setScalarsToColors(colours);
    scalarBar.setDrawNanAnnotation(false);
    renderer.addActor(scalarBar);
    return { renderer, polyData, mapper, colours, scalarBar, overlays: [] };
  }

  private createOverlay(renderer: vtkRenderer): OverlayActor {
    const polyData = vtkPolyData.newInstance();
    const mapper = vtkMapper.newInstance({ scalarVisibility: false });
    mapper.setInputData(polyData);
    const actor = vtkActor.newInstance();
    actor.setMapper(mapper);
    renderer.addActor(actor);
    return { actor, polyData };
  }

  /** The panel's overlays: as many actors as specs shown, the rest hidden. */
  private updateOverlays(p: Panel, specs: readonly OverlaySpec[]): void {
    while (p.overlays.length < specs.length) p.overlays.push(this.createOverlay(p.renderer));
    p.overlays.forEach((o, i) => {
      const s = specs[i];
      o.actor.setVisibility(!!s);
      if (!s) return;
      const pd = o.polyData;
      pd.getPoints().setData(s.surface.points, 3);
      pd.getVerts().setData(s.surface.verts);
      pd.getLines().setData(s.surface.lines);
      pd.getPolys().setData(s.surface.polys);
      pd.modified();
      o.actor.getProperty().set({ ambient: 1, diffuse: 0, color: s.colour, pointSize: s.pointSize, lineWidth: 1, opacity: s.opacity });
    });
  }

  private update(p: Panel, s: PanelSpec): void {
    const pd = p.polyData;
    pd.getPoints().setData(s.surface.points, 3);
    pd.getVerts().setData(s.surface.verts);
    pd.getLines().setData(s.surface.lines);
    pd.getPolys().setData(s.surface.polys);
    const values = s.array !== undefined ? s.surface.scalars.get(s.array) : undefined;
    const pointData = pd.getPointData();
    pointData.removeAllArrays();
    this.updateOverlays(p, s.overlays ?? []);
    if (values) pointData.setScalars(vtkDataArray.newInstance({ name: s.array, values, numberOfComponents: 1 }));
    pd.modified();
    p.mapper.setScalarVisibility(!!values);
    p.scalarBar.setVisibility(!!values);
    if (values) {
      p.colours.applyColorMap(vtkColorMaps.getPresetByName(s.preset));
      p.colours.setMappingRange(s.range[0], s.range[1]);
      p.colours.updateRange();
      p.mapper.setScalarRange(s.range[0], s.range[1]);
      p.scalarBar.setAxisLabel(s.array ?? '');
    }
  }
}
