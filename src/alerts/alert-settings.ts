import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DistressSettings, resolveSettings, Severity } from '@app/distress-rules';
import type { EntityManager } from 'typeorm';
import type { Queryable } from '../children/child-scope';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

export interface HubAlertSettings {
  settings: DistressSettings;
  /** 0 = the deployment's settings; otherwise the version of the hub's overrides row. */
  version: number;
  slaHours: Record<Severity, number>;
}

/** The rule settings and SLA a hub runs under: built-in defaults ← deployment (config) ← the hub's overrides. */
@Injectable()
export class AlertSettings implements OnModuleInit {
  private readonly logger = new Logger(AlertSettings.name);
  private readonly read = new WeakMap<EntityManager, Map<string, Promise<HubAlertSettings>>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** A deployment whose DISTRESS_RULES do not make sense does not start. */
  onModuleInit(): void {
    const resolved = resolveSettings(this.config.alerts.ruleSettings);
    if (!resolved.ok) throw new Error(`DISTRESS_RULES is invalid: ${resolved.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
  }

  /**
   * Read once per transaction and hub (the check's scoring and the evaluation on the same
   * transaction ask both): nothing writes these settings inside a request's transaction.
   */
  forHub(tx: EntityManager, hubId: string): Promise<HubAlertSettings> {
    let hubs = this.read.get(tx);
    if (!hubs) this.read.set(tx, (hubs = new Map()));
    let settings = hubs.get(hubId);
    if (!settings) {
      hubs.set(hubId, (settings = this.load(tx, hubId)));
      settings.catch(() => hubs.delete(hubId));
    }
    return settings;
  }

  private async load(tx: Queryable, hubId: string): Promise<HubAlertSettings> {
    const rows: { rule_overrides: unknown; sla_high_hours: number | null; sla_normal_hours: number | null; version: number }[] = await tx.query(
      `SELECT rule_overrides, sla_high_hours, sla_normal_hours, version FROM hub_alert_settings WHERE hub_id = $1`,
      [hubId],
    );
    const row = rows[0];
    const deployment = this.config.alerts;
    let resolved = resolveSettings(deployment.ruleSettings, row?.rule_overrides ?? {});
    if (!resolved.ok) {
      // Overrides are stored only when valid; if the deployment defaults moved under them, the hub falls back to those.
      this.logger.error(`hub ${hubId}: alert settings overrides no longer valid (${resolved.errors.map((e) => e.field).join(', ')}); using the deployment's`);
      resolved = resolveSettings(deployment.ruleSettings);
      if (!resolved.ok) throw new Error('The deployment distress settings are invalid');
      return { settings: resolved.settings, version: 0, slaHours: deployment.slaHours };
    }
    return {
      settings: resolved.settings,
      version: row?.version ?? 0,
      slaHours: { high: row?.sla_high_hours ?? deployment.slaHours.high, normal: row?.sla_normal_hours ?? deployment.slaHours.normal },
    };
  }
}
