// The local pool's lanes: one long-lived child per lane runs its jobs in-process one after another (exit codes and
// output as a lone `fluxion` would give), and a child killed by a signal ends its job with that signal, the lane's next
// job starting a fresh child.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lanes } from '../../runner/sweepLane.js';
import { pinnYaml, tempDir, writeConfig } from './helpers.js';

describe('sweep pool lanes', function () {
  this.timeout(300000);

  it('runs jobs in one child, reports exit codes and output; a killed child is replaced', async () => {
    const dir = tempDir('fluxion-lanes-');
    const good = writeConfig(dir, pinnYaml(['training: { steps: 5 }']), 'good.yaml');
    const bad = writeConfig(dir, pinnYaml(['training: { stepz: 5 }']), 'bad.yaml');
    const logs = ['a', 'b', 'c', 'd'].map((n) => join(dir, `${n}.log`));
    const lanes = new Lanes();
    try {
      expect(await lanes.run(0, ['validate', good], logs[0]).done).to.deep.equal({ code: 0 });
      const first = lanes.pid(0);
      expect(await lanes.run(0, ['validate', bad], logs[1]).done).to.deep.equal({ code: 2 });
      expect(lanes.pid(0), 'the same child ran both jobs').to.equal(first);
      expect(readFileSync(logs[0], 'utf8')).to.match(/valid pinn config 'linear-fit'\n$/);
      expect(readFileSync(logs[1], 'utf8')).to.match(/^error: training.stepz: unknown key \(did you mean 'steps'\?\)/);
      // SIGINT outside a training loop kills the child, as it would a lone `fluxion` process
      const stopped = lanes.run(0, ['validate', good], logs[2]);
      stopped.stop();
      expect(await stopped.done).to.deep.equal({ code: 130, signal: 'SIGINT' });
      expect(await lanes.run(0, ['validate', good], logs[3]).done).to.deep.equal({ code: 0 });
      expect(lanes.pid(0)).to.be.a('number').and.not.equal(first);
    } finally {
      lanes.close();
    }
  });
});
