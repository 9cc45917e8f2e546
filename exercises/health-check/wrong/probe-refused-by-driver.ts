// rejects: a healthy cluster is 'healthy'
// Probes with a whole-table read (`SELECT id FROM orders LIMIT 1`), which the simulator's driver refuses (NotSupportedError) before it reaches a replica: the probe fails whatever the cluster does, so every verdict is 'unavailable'; the message names the refused statement.
import { types, errors } from 'cassandra-driver';
import type { Client } from 'cassandra-driver';
import type { Pool } from 'pg';

export type ClusterHealth = 'healthy' | 'degraded' | 'unavailable';
export interface Order { id: string; customerId: string; status: string; total: number; version: number }
export interface Deps { cassandra: Client; pg: Pool }

const COLS = 'id, customer_id, status, total, version';
function toOrder(row: { [column: string]: any }): Order {
  return { id: String(row.id), customerId: String(row.customer_id), status: String(row.status), total: Number(row.total), version: Number(row.version) };
}

export class CassandraCluster {
  private cached: ClusterHealth | undefined;
  private inflight: Promise<ClusterHealth> | undefined;
  constructor(private readonly deps: Deps, private readonly timeoutMs?: number) {}

  checkHealth(): Promise<ClusterHealth> {
    if (this.cached) return Promise.resolve(this.cached);
    return (this.inflight ??= this.runProbe().then((h) => {
      this.cached = h;
      setTimeout(() => { this.cached = undefined; }, 5000);
      this.inflight = undefined;
      return h;
    }));
  }

  private async runProbe(): Promise<ClusterHealth> {
    try {
      await this.deps.cassandra.execute('SELECT id FROM orders LIMIT 1', [], { consistency: types.consistencies.quorum, readTimeout: 300 });
      return 'healthy';
    } catch (e: any) {
      if (e?.name === 'OperationTimedOutError') return 'degraded';
      if (e?.name === 'ResponseError' && e.code === types.responseErrorCodes.readTimeout) return 'degraded';
      return 'unavailable';
    }
  }

  async readWithFallback(orderId: string): Promise<Order | null> {
    const h = await this.checkHealth();
    if (h === 'unavailable') return this.pg(orderId);
    try {
      const rs = await this.deps.cassandra.execute(`SELECT ${COLS} FROM orders WHERE id = ?`, [orderId], { prepare: true, consistency: types.consistencies.quorum, readTimeout: h === 'healthy' ? 1000 : 100 });
      if (rs.rowLength > 0) return toOrder(rs.rows[0]);
    } catch {}
    return this.pg(orderId);
  }

  private async pg(orderId: string) {
    const { rows } = await this.deps.pg.query(`SELECT ${COLS} FROM orders WHERE id = $1`, [orderId]);
    return rows[0] ? toOrder(rows[0]) : null;
  }
}
