import { Foundation1763800000000 } from './1763800000000-foundation';
import { Scheduling1763900000000 } from './1763900000000-scheduling';

/** Every migration, in order. Listed explicitly so the build and the tests load the same set. */
export const migrations = [Foundation1763800000000, Scheduling1763900000000];
