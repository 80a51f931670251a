import { ApiProperty } from '@nestjs/swagger';
import type { NoSlotsReason } from '@app/scheduling-core';
import { LocalSpanDto } from '../../sessions/dto/session.dto';

export const NO_SLOTS_REASONS: readonly NoSlotsReason[] = [
  'call_plan_paused',
  'mediated_only',
  'outside_booking_window',
  'hub_closed',
  'guardian_unavailable',
  'no_common_window',
  'weekly_cap',
  'participants_busy',
  'no_station',
  'stations_busy',
];

export class SlotDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-02T11:30:00.000Z' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T12:00:00.000Z' }) endsAt!: string;
  @ApiProperty({ format: 'uuid', description: 'The first free station, in the hub’s order (by name)' }) stationId!: string;
  @ApiProperty() stationName!: string;
  @ApiProperty({ type: LocalSpanDto, description: "Wall-clock times in the hub's zone" }) hubLocal!: LocalSpanDto;
  @ApiProperty({ type: LocalSpanDto, description: "Wall-clock times in the guardian's zone" }) guardianLocal!: LocalSpanDto;
}

export class SlotTimeZonesDto {
  @ApiProperty({ example: 'Asia/Shanghai' }) hub!: string;
  @ApiProperty({ example: 'Asia/Dubai' }) guardian!: string;
}

export class SlotListDto {
  @ApiProperty({ type: [SlotDto], description: 'Bookable starts, ascending, on the hub-local 15-minute grid; at most 500' })
  items!: SlotDto[];

  @ApiProperty({ description: 'True when more than 500 slots exist; narrow the range to see the rest' })
  truncated!: boolean;

  @ApiProperty({
    enum: NO_SLOTS_REASONS,
    nullable: true,
    type: String,
    description: 'When there is no slot: the first rule that left none (null when there are slots)',
  })
  blockedBy!: NoSlotsReason | null;

  @ApiProperty({ type: SlotTimeZonesDto }) timeZones!: SlotTimeZonesDto;
}
