import type { Counterparty } from '@liuliang/shared';
import type { Sql } from '../../db/sql';
import { describeUsers } from '../auth';
import type { LedgerFeature } from '../ledger/registry';

/**
 * A grabbed share reads better as "from the sender" than "from the packet's escrow"; to the
 * sender who grabbed their own packet it stays "from the packet".
 */
async function describePacketSenders(sql: Sql, packetIds: readonly string[], viewerUserId: string): Promise<ReadonlyMap<string, Counterparty>> {
  if (packetIds.length === 0) return new Map();
  const packets: Array<{ id: string; sender_id: string }> = await sql.query(
    `SELECT id, sender_id FROM red_packets WHERE id IN (${packetIds.map(() => '?').join(', ')}) AND sender_id <> ?`,
    [...packetIds, viewerUserId],
  );
  const senders = await describeUsers(
    sql,
    packets.map((p) => String(p.sender_id)),
  );
  const described = new Map<string, Counterparty>();
  for (const packet of packets) {
    const sender = senders.get(String(packet.sender_id));
    if (sender) described.set(String(packet.id), sender);
  }
  return described;
}

/** How red packets are told in a wallet's history and what the ledger's audit checks of them. */
export const RED_PACKETS_LEDGER_FEATURE: LedgerFeature = {
  feature: 'red-packets',
  transferCounterparties: [{ refType: 'red_packet', kinds: ['red_packet_grab'], describe: describePacketSenders }],
  escrowChecks: [
    {
      name: 'red packet escrow empty once finished or expired',
      escrowOwner: 'red_packet',
      expectedSql: `SELECT id AS object_id, 0 AS expected_mb FROM red_packets WHERE status <> 'open'`,
    },
    {
      name: 'red packet escrow holds exactly what is left to grab',
      escrowOwner: 'red_packet',
      expectedSql: `SELECT id AS object_id, remaining_mb AS expected_mb FROM red_packets WHERE status = 'open'`,
    },
  ],
  invariantChecks: [
    {
      name: 'red packet grabs sum to what left the packet',
      breachesSql: `SELECT p.id, p.total_mb, p.remaining_mb, p.refunded_mb, COALESCE(SUM(g.amount_mb), 0) AS grabbed_mb
                      FROM red_packets p LEFT JOIN red_packet_grabs g ON g.packet_id = p.id
                     GROUP BY p.id HAVING p.total_mb <> grabbed_mb + p.remaining_mb + p.refunded_mb`,
    },
  ],
};
