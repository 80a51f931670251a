import { Injectable } from '@nestjs/common';
import type { AlertView, CounselorsServerToClient } from '@app/realtime-protocol';
import type { Namespace } from 'socket.io';

export type AlertNoticeEvent = 'alert.created' | 'alert.updated' | 'alert.escalated';

export interface AlertNotice {
  event: AlertNoticeEvent;
  alert: AlertView;
}

/** Socket rooms of /counselors: named after people and hubs, not sockets, so a Redis adapter carries them across instances. */
export const rooms = {
  counselor: (userId: string) => `counselor:${userId}`,
  hubCounselors: (hubId: string) => `hub-counselors:${hubId}`,
  admins: 'admins',
} as const;

/**
 * Pushes alert notices to the /counselors namespace. Called only after the change committed:
 * the notice is a hint to re-read, the alert row is the truth (a client offline now gets it in
 * its next backlog).
 */
@Injectable()
export class AlertNotices {
  private namespace?: Namespace<Record<string, never>, CounselorsServerToClient>;

  attach(namespace: Namespace<Record<string, never>, CounselorsServerToClient>): void {
    this.namespace = namespace;
  }

  emit(notices: readonly AlertNotice[]): void {
    if (!this.namespace) return;
    for (const { event, alert } of notices) {
      const to = [rooms.hubCounselors(alert.hubId), rooms.admins];
      if (alert.assignedCounselorId) to.push(rooms.counselor(alert.assignedCounselorId));
      this.namespace.to(to).emit(event, { alert });
    }
  }
}
