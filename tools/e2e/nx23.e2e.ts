// Nx 23 on this machine's Node (20): the middle of the peer range is tested too.
import { test } from 'uvu';
import { nxAdoptionScenario } from './nx-workspace';

nxAdoptionScenario({ nx: '23.3.2', devkit: '23.3.2', typescript: '6.0.3', c8: '11.0.0' });

test.run();
