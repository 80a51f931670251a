import { ApiProperty } from '@nestjs/swagger';

export class CalendarTokenDto {
  @ApiProperty({ description: 'The new secret of the guardian’s calendar feed; the previous one no longer works' })
  calendarToken!: string;

  @ApiProperty({
    example: 'https://kinbridge.example.org/api/v1/guardians/6f1c…/calendar.ics?token=…',
    description: 'The URL to subscribe to in a phone calendar (no sign-in needed; keep it private)',
  })
  subscriptionUrl!: string;
}
