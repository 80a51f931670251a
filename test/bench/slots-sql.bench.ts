import { writeFileSync } from 'node:fs';
import { BOOKING_CONTEXT_SQL } from '../../src/slots/booking-context.loader';
it('sql', () => { writeFileSync('/tmp/ctx.sql', BOOKING_CONTEXT_SQL); });
