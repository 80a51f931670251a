import { DataSource } from 'typeorm';
import { Client } from 'pg';
import { runMigrations } from '../../src/database/migrate';
import { seedBusyHub, seedHistory } from './support/seed';

it('scratch db', async () => {
  const admin = new Client({ connectionString: process.env.DATABASE_URL }); await admin.connect();
  await admin.query('DROP DATABASE IF EXISTS kinbridge_slots_scratch WITH (FORCE)');
  await admin.query('CREATE DATABASE kinbridge_slots_scratch'); await admin.end();
  const url = 'postgres://postgres@127.0.0.1:5432/kinbridge_slots_scratch';
  await runMigrations(url);
  const db = new DataSource({ type: 'postgres', url }); await db.initialize();
  const hub = await seedBusyHub(db, { now: new Date('2026-06-01T00:00:00Z') });
  console.log(JSON.stringify({ child: hub.childIds[0], guardian: hub.guardianIds[0], staff: hub.staffIds[0], hub: hub.hubId }));
  const t0 = Date.now();
  const h = await seedHistory(db, { sessions: 1_000_000, now: new Date('2026-06-01T00:00:00Z') });
  console.log('history', h, Date.now() - t0);
  await db.destroy();
}, 1800000);
