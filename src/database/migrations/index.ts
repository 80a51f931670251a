import { Foundation1763800000000 } from './1763800000000-foundation';
import { Scheduling1763900000000 } from './1763900000000-scheduling';
import { TokenVersion1764000000010 } from './1764000000010-token-version';
import { SlotSearchIndex1764000000031 } from './1764000000031-slot-search-index';
import { CallFacts1764100000000 } from './1764100000000-call-facts';
import { CallParticipants1764100000100 } from './1764100000100-call-participants';
import { WellbeingAlerts1764200000000 } from './1764200000000-wellbeing-alerts';

/** Every migration, in order. Listed explicitly so the build and the tests load the same set. */
export const migrations = [
  Foundation1763800000000, Scheduling1763900000000, TokenVersion1764000000010, SlotSearchIndex1764000000031, CallFacts1764100000000,
  CallParticipants1764100000100, WellbeingAlerts1764200000000,
];
