import { silentLogger } from '../logger';
import type { ClaimedOutboxItem, OutboxResult } from '../service/schemas';
import { OutboxPoller } from './poller';

describe('OutboxPoller', () => {
  it('marks each message right after sending it, and a failed send as failed; a room message goes into its room', async () => {
    const events: string[] = [];
    const items: ClaimedOutboxItem[] = [
      { id: 'o1', contactId: 'c1', text: 'hello' },
      { id: 'o2', contactId: 'gone', text: 'hi' },
      { id: 'o3', contactId: 'c3', text: 'hey' },
      { id: 'o4', roomId: 'r1', text: 'rain' },
    ];
    const poller = new OutboxPoller({
      claim: async (limit) => {
        events.push(`claim ${limit}`);
        return items;
      },
      send: async (conversationId, isRoom, text) => {
        if (conversationId === 'gone') throw new Error('contact gone not found');
        events.push(`send ${isRoom ? 'room' : 'contact'} ${conversationId} ${text}`);
      },
      report: async (itemId: string, result: OutboxResult) => {
        events.push(`mark ${itemId} ${result.status}`);
      },
      intervalMs: 1000,
      batchSize: 20,
      logger: silentLogger,
    });
    await expect(poller.deliverBatch()).resolves.toBe(4);
    expect(events).toEqual(['claim 20', 'send contact c1 hello', 'mark o1 sent', 'mark o2 failed', 'send contact c3 hey', 'mark o3 sent', 'send room r1 rain', 'mark o4 sent']);
  });

  it('never sends more than a batch, even if the service hands over more', async () => {
    const sent: string[] = [];
    const many = Array.from({ length: 5 }, (_, index) => ({ id: `o${index}`, contactId: 'c', text: `${index}` }));
    const poller = new OutboxPoller({
      claim: async () => many,
      send: async (_conversationId, _isRoom, text) => void sent.push(text),
      report: async () => undefined,
      intervalMs: 1000,
      batchSize: 2,
      logger: silentLogger,
    });
    await poller.deliverBatch();
    expect(sent).toEqual(['0', '1']);
  });
});
