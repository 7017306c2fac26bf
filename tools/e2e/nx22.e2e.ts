// Nx 22 on this machine's Node (20): the oldest Nx major in the peer range.
import { test } from 'uvu';
import { nxAdoptionScenario } from './nx-workspace';

nxAdoptionScenario({ nx: '22.6.1', devkit: '22.6.1', typescript: '5.9.3', c8: '11.0.0' });

test.run();
