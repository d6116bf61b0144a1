// vtk.js ships no declarations for the lite preset registry (a small subset of ColorMaps, which
// keeps ~200 kB of presets out of the bundle); it has the same API as ColorMaps.
declare module '@kitware/vtk.js/Rendering/Core/ColorTransferFunction/ColorMapsLite' {
  import vtkColorMaps from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction/ColorMaps';
  export default vtkColorMaps;
}
