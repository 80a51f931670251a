import { Injectable } from '@nestjs/common';
import { DateTime } from 'luxon';

/** The only source of "now" in the app, so tests can move time. */
@Injectable()
export class Clock {
  now(): DateTime {
    return DateTime.utc();
  }
}

/** A clock tests can set and advance. */
export class FixedClock extends Clock {
  constructor(private current: DateTime) {
    super();
  }
  override now(): DateTime {
    return this.current;
  }
  set(to: DateTime): void {
    this.current = to;
  }
  advance(by: { minutes?: number; hours?: number; days?: number }): void {
    this.current = this.current.plus(by);
  }
}
