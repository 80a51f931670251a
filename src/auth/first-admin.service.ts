import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Transactions } from '../database/transaction';
import { CredentialsRepository } from './credentials.repository';
import { hashPassword } from './password';

/**
 * ADMIN_EMAIL + ADMIN_PASSWORD create the first admin when there is no active admin. Instances
 * starting together take the same advisory lock and re-check under it, so only one creates it.
 */
@Injectable()
export class FirstAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    private readonly db: DataSource,
    private readonly transactions: Transactions,
    private readonly credentials: CredentialsRepository,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.admin;
    if (!admin || (await this.credentials.activeAdminExists(this.db))) return;
    // Hashing is slow: done before the lock is taken (and wasted only when another instance wins).
    const passwordHash = await hashPassword(admin.password);
    const outcome = await this.transactions.run(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('kinbridge:first-admin', 0))`);
      if (await this.credentials.activeAdminExists(tx)) return 'exists' as const;
      const id = await this.credentials.insertAdmin(tx, admin.email, passwordHash, 'Administrator');
      if (!id) return 'email-taken' as const;
      await this.audit.record(tx, {
        action: 'user.create',
        objectType: 'user',
        objectId: id,
        details: { role: 'admin', email: admin.email, source: 'ADMIN_EMAIL' },
      });
      return id;
    });
    if (outcome === 'email-taken') {
      this.logger.warn(`ADMIN_EMAIL ${admin.email} belongs to an account that is not an active admin; no admin was created`);
    } else if (outcome !== 'exists') {
      this.logger.log(`Created the first admin account ${admin.email} (id ${outcome}) from ADMIN_EMAIL`);
    }
  }
}
