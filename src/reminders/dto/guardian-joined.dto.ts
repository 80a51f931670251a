import { ApiProperty } from '@nestjs/swagger';

const STATUSES = ['booked', 'checked_in', 'declined', 'in_call', 'completed', 'cancelled', 'no_show_guardian', 'no_show_child'];

export class GuardianJoinedDto {
  @ApiProperty({ format: 'uuid' })
  sessionId!: string;

  @ApiProperty({ enum: STATUSES, description: 'The session status (joining does not change it)' })
  status!: string;

  @ApiProperty({ format: 'date-time', description: 'When the guardian first joined; a repeated report keeps this time' })
  guardianJoinedAt!: string;
}
