import { ApiProperty } from '@nestjs/swagger';

export class NoRecentCallDto {
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When the last completed call took place; null if never' })
  lastCompletedCallAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Whole days since then; null if never' })
  daysSince!: number | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'The next booked session, if one is already planned' })
  nextBookedAt!: string | null;
}

export class RecentSessionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) startsAt!: string;
  @ApiProperty({ example: 'declined' }) status!: string;
}

export class RepeatedDeclinesDto {
  @ApiProperty({ format: 'uuid' }) childId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: [RecentSessionDto], description: 'The last three sessions that reached check-in, newest first' })
  lastSessions!: RecentSessionDto[];
}

export class ContactGapsDto {
  @ApiProperty({ format: 'uuid' }) hubId!: string;
  @ApiProperty({ format: 'date-time', description: 'The moment the lists were computed for' }) asOf!: string;
  @ApiProperty({
    type: [NoRecentCallDto],
    description: 'Children with no completed call in the last 7 days (the law expects weekly contact); never-called first, then longest gap',
  })
  noRecentCall!: NoRecentCallDto[];
  @ApiProperty({
    type: [RepeatedDeclinesDto],
    description: 'Children whose last 3 sessions that reached check-in (declined, in call or completed; cancelled and future ones ignored) were all declined',
  })
  repeatedDeclines!: RepeatedDeclinesDto[];
}
