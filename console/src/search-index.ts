/**
 * Full-text search over the messages this device has decrypted (minisearch), built in the console
 * from the AgentClient's threads and kept in memory only: it is rebuilt from the locally encrypted
 * history at each sign-in, so no second, unencrypted copy of the messages is ever written to disk,
 * and the relay learns nothing of what is searched. Loaded on the agent's first search.
 */
import MiniSearch from 'minisearch';
import type { ChatMessage, ConversationSummary } from '@threadline/sdk/agent';

export interface Hit {
  messageId: string;
  /** Where the message shows (a merged conversation's messages show in the one it went into). */
  conversationId: string;
  text: string;
  at: number;
  from: ChatMessage['from'];
  /** An internal note of the team's. */
  note: boolean;
  /** The words of the message that matched, for marking them. */
  terms: string[];
}

interface Entry {
  id: string;
  conversationId: string;
  text: string;
  at: number;
  from: ChatMessage['from'];
  note: boolean;
}

/** What a message can be found by: its text, a file's name, a rating's comment. */
const searchable = (message: ChatMessage) => [message.text, message.file?.name, message.rating?.comment].filter(Boolean).join(' ');

export class MessageIndex {
  readonly #index = new MiniSearch<Entry>({
    fields: ['text'],
    storeFields: ['conversationId', 'text', 'at', 'from', 'note'],
    searchOptions: { prefix: true, fuzzy: (term) => (term.length > 4 ? 0.2 : 0), combineWith: 'AND' },
  });
  /** Message id → conversation it was indexed under, to notice merges and deleted conversations. */
  readonly #indexed = new Map<string, string>();

  /** Brings the index up to date with the threads: new messages in, ended conversations out. */
  update(conversations: readonly ConversationSummary[], messagesOf: (conversationId: string) => readonly ChatMessage[]): void {
    const present = new Set<string>();
    for (const conversation of conversations) {
      const shownIn = conversation.mergedInto ?? conversation.id;
      for (const message of messagesOf(conversation.id)) {
        const text = message.status === 'unreadable' || message.handoff ? '' : searchable(message);
        if (!text || message.seq === undefined) continue;
        present.add(message.id);
        if (this.#indexed.get(message.id) === shownIn) continue;
        if (this.#indexed.has(message.id)) this.#index.discard(message.id);
        this.#index.add({ id: message.id, conversationId: shownIn, text, at: message.at, from: message.from, note: message.audience === 'agents' });
        this.#indexed.set(message.id, shownIn);
      }
    }
    for (const id of this.#indexed.keys()) {
      if (present.has(id)) continue;
      this.#index.discard(id);
      this.#indexed.delete(id);
    }
  }

  get size(): number {
    return this.#indexed.size;
  }

  /** The best matches first (every word must match, the last one as a prefix); at most `limit`. */
  search(query: string, limit = 50): Hit[] {
    if (!query.trim()) return [];
    return this.#index.search(query).slice(0, limit).map((result) => ({
      messageId: result.id as string,
      conversationId: result['conversationId'] as string,
      text: result['text'] as string,
      at: result['at'] as number,
      from: result['from'] as ChatMessage['from'],
      note: result['note'] === true,
      terms: result.terms,
    }));
  }
}
