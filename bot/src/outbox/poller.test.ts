import { silentLogger } from '../logger';
import type { ClaimedOutboxItem, OutboxResult } from '../service/schemas';
import { OutboxPoller } from './poller';

describe('OutboxPoller', () => {
  it('marks each message right after sending it, and a failed send as failed', async () => {
    const events: string[] = [];
    const items: ClaimedOutboxItem[] = [
      { id: 'o1', contactId: 'c1', text: 'hello' },
      { id: 'o2', contactId: 'gone', text: 'hi' },
      { id: 'o3', contactId: 'c3', text: 'hey' },
    ];
    const poller = new OutboxPoller({
      claim: async (limit) => {
        events.push(`claim ${limit}`);
        return items;
      },
      send: async (contactId, text) => {
        if (contactId === 'gone') throw new Error('contact gone not found');
        events.push(`send ${contactId} ${text}`);
      },
      report: async (itemId: string, result: OutboxResult) => {
        events.push(`mark ${itemId} ${result.status}`);
      },
      intervalMs: 1000,
      batchSize: 20,
      logger: silentLogger,
    });
    await expect(poller.deliverBatch()).resolves.toBe(3);
    expect(events).toEqual(['claim 20', 'send c1 hello', 'mark o1 sent', 'mark o2 failed', 'send c3 hey', 'mark o3 sent']);
  });

  it('never sends more than a batch, even if the service hands over more', async () => {
    const sent: string[] = [];
    const many = Array.from({ length: 5 }, (_, index) => ({ id: `o${index}`, contactId: 'c', text: `${index}` }));
    const poller = new OutboxPoller({
      claim: async () => many,
      send: async (_contactId, text) => void sent.push(text),
      report: async () => undefined,
      intervalMs: 1000,
      batchSize: 2,
      logger: silentLogger,
    });
    await poller.deliverBatch();
    expect(sent).toEqual(['0', '1']);
  });
});
