/**
 * A coordinator's write (`StorageProxy.mutate`): the mutation goes to every live replica and the
 * consistency level only sets how many acknowledgements are awaited; down replicas get a hint
 * (ANY counts a hint as an acknowledgement); after the write timeout, silent replicas get a hint
 * too and a client still waiting gets WriteTimeout.
 */
import type { Cluster } from './cassandra';
import { CL, type CNode, E_WRITE_TIMEOUT, type ServerOp, type ServerReply, blockFor, clName, invalid, unavailable } from './cassandra-node';
import type { Ev } from './sched';

export type WriteOp = Extract<ServerOp, { kind: 'write' }>;

export function coordinateWrite(c: Cluster, coord: CNode, op: WriteOp, reply: (r: ServerReply) => void): void {
  const reps = c.replicas(op.table, op.key);
  const need = blockFor(op.cl, c.cfg.rf);
  if (need < 0 || op.cl === CL.serial || op.cl === CL.localSerial) return reply(invalid(`Invalid consistency level for a write: ${clName(op.cl)}`));
  const liveReps = c.liveReplicas(coord, reps);
  if (op.cl !== CL.any && liveReps.length < need) {
    coord.inc('ClientRequest.Write.Unavailables');
    return reply(unavailable(op.cl, need, liveReps.length));
  }
  new WriteRequest(c, coord, op, reps, liveReps, need, reply).start();
}

/** One write in flight at its coordinator (its state as fields: messages carry it, not closures). */
class WriteRequest {
  acks = 0;
  responded = false;
  /** replicas that acknowledged: their bits, and how many (at most rf) */
  ackedMask = 0;
  ackedCount = 0;
  /** replicas hinted instead of sent to */
  hinted = 0;
  readonly epoch: number;
  /** when the mutations were sent (µs): a replica drops one that waited longer than the write timeout */
  readonly sentAt: number;
  timer: Ev | undefined;

  constructor(
    readonly c: Cluster,
    readonly coord: CNode,
    readonly op: WriteOp,
    readonly reps: CNode[],
    readonly liveReps: CNode[],
    readonly need: number,
    readonly reply: (r: ServerReply) => void,
  ) {
    this.epoch = coord.ep.epoch;
    this.sentAt = c.ctx.sched.now;
  }

  start(): void {
    const { c, coord, op } = this;
    for (const r of this.reps) {
      if (this.liveReps.includes(r)) c.ctx.net.send(coord.ep, r.ep, 'mutation', r, onMutation, this);
      else if (c.maybeHint(coord, r, op.table, op.key, op.frag)) {
        this.hinted++;
        if (op.cl === CL.any) this.acks++;
      }
    }
    this.check();
    this.timer = c.nodeTimer(coord, c.cfg.writeTimeoutUs, onWriteTimeout, this, true);
  }

  check(): void {
    if (!this.responded && this.acks >= this.need) {
      this.responded = true;
      this.reply({ ok: true, rows: [] });
    }
  }
}

/** At replica `r`: apply the mutation (unless it waited too long) and acknowledge it. */
function onMutation(r: CNode, req: WriteRequest): void {
  const c = req.c;
  if (c.ctx.sched.now - req.sentAt > c.cfg.writeTimeoutUs) {
    r.inc('DroppedMessage.MUTATION.Dropped');
    return;
  }
  r.apply(req.op.table, req.op.key, req.op.frag);
  c.ctx.net.send(r.ep, req.coord.ep, 'mutation-ack', r, onMutationAck, req);
}

function onMutationAck(who: CNode, req: WriteRequest): void {
  if (req.coord.ep.epoch !== req.epoch || (req.ackedMask & who.bit) !== 0) return;
  req.ackedMask |= who.bit;
  req.ackedCount++;
  req.acks++;
  req.check();
  // every replica answered: nothing left for the write timeout to do
  if (req.ackedCount === req.liveReps.length && req.hinted + req.ackedCount === req.reps.length && req.responded) req.c.ctx.sched.cancel(req.timer);
}

function onWriteTimeout(req: WriteRequest): void {
  const { c, coord, op } = req;
  for (const r of req.liveReps) if ((req.ackedMask & r.bit) === 0) c.maybeHint(coord, r, op.table, op.key, op.frag); // sent but silent
  if (req.responded) return;
  req.responded = true;
  coord.inc('ClientRequest.Write.Timeouts');
  req.reply({
    ok: false,
    error: {
      code: E_WRITE_TIMEOUT,
      message: `Operation timed out - received only ${req.acks} responses.`,
      props: { consistencies: op.cl, received: req.acks, blockFor: req.need, writeType: 'SIMPLE' },
    },
  });
}
