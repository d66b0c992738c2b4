/**
 * The numbers of the Reports page, computed on this device from decrypted messages (the relay keeps
 * only sequence numbers and times of ciphertext, and no closing time): conversations per day and
 * where they started, first response and resolution times, satisfaction ratings. Pure, so tested
 * without a browser.
 */
import { CHANNELS, workState, type ChatMessage, type Channel, type ConversationSummary, type WorkState } from '@threadline/sdk/agent';

export type Origin = 'web' | Channel;
export const ORIGINS: readonly Origin[] = ['web', ...CHANNELS];

export interface ConversationFacts {
  id: string;
  startedOn: Origin;
  createdAt: number;
  /** From the customer's first message to the agents' first answer after it; null while unanswered. */
  firstResponseMs: number | null;
  /**
   * From the customer's first message to the last message before an agent closed the conversation
   * (the relay records at which message it was closed, not when); null unless closed.
   */
  resolutionMs: number | null;
  state: WorkState;
  assignee: string | null;
  /** The customer's latest rating, if they gave one. */
  rating: { score: number; comment?: string } | null;
}

export function conversationFacts(conversation: ConversationSummary, messages: readonly ChatMessage[], now: number): ConversationFacts {
  const delivered = messages.filter((m) => m.seq !== undefined && m.status !== 'failed' && !m.handoff);
  const asked = delivered.find((m) => m.from === 'visitor');
  const answered = asked && delivered.find((m) => m.from === 'agent' && m.at >= asked.at);
  const status = conversation.status;
  const state = workState(conversation, now);
  const closedAfter = state === 'closed' ? delivered.filter((m) => m.seq! <= status!.seq).at(-1) : undefined;
  const rated = delivered.findLast((m) => m.rating);
  return {
    id: conversation.id,
    startedOn: conversation.visitor ? 'web' : (conversation.channel?.name ?? 'web'),
    createdAt: conversation.createdAt,
    firstResponseMs: asked && answered ? answered.at - asked.at : null,
    resolutionMs: asked && closedAfter ? Math.max(0, closedAfter.at - asked.at) : null,
    state,
    assignee: conversation.assignee,
    rating: rated?.rating ? { score: rated.rating.score, ...(rated.rating.comment ? { comment: rated.rating.comment } : {}) } : null,
  };
}

export interface Times {
  count: number;
  medianMs: number | null;
  averageMs: number | null;
}

export interface Report {
  /** Each calendar day of the period (local time, oldest first) with the conversations started on it. */
  days: { day: number; counts: Record<Origin, number> }[];
  conversations: ConversationFacts[];
  firstResponse: Times;
  resolution: Times;
  ratings: { count: number; average: number | null; /** How many gave 1, 2, 3, 4 and 5 stars. */ scores: [number, number, number, number, number] };
}

const midnight = (at: number) => new Date(at).setHours(0, 0, 0, 0);

function times(values: number[]): Times {
  if (!values.length) return { count: 0, medianMs: null, averageMs: null };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { count: values.length, medianMs: median, averageMs: values.reduce((sum, v) => sum + v, 0) / values.length };
}

/**
 * The report of the `days` calendar days up to and including today. A conversation merged into
 * another counts once, as the one it went into (with the merged one's messages).
 */
export function buildReport(conversations: readonly ConversationSummary[], messagesOf: (conversationId: string) => readonly ChatMessage[], days: number, now: number): Report {
  const first = new Date(midnight(now));
  first.setDate(first.getDate() - (days - 1));
  const from = first.getTime();
  const facts = conversations
    .filter((c) => !c.mergedInto && c.createdAt >= from && c.createdAt <= now)
    .map((c) => {
      const merged = conversations.filter((other) => other.mergedInto === c.id).flatMap((other) => messagesOf(other.id));
      const messages = merged.length ? [...messagesOf(c.id), ...merged].sort((a, b) => a.at - b.at) : messagesOf(c.id);
      return conversationFacts(c, messages, now);
    })
    .sort((a, b) => a.createdAt - b.createdAt);

  const byDay = new Map<number, Record<Origin, number>>();
  for (let day = new Date(from); day.getTime() <= now; day.setDate(day.getDate() + 1)) {
    byDay.set(day.getTime(), Object.fromEntries(ORIGINS.map((origin) => [origin, 0])) as Record<Origin, number>);
  }
  for (const fact of facts) byDay.get(midnight(fact.createdAt))![fact.startedOn]++;

  const rated = facts.flatMap((f) => (f.rating ? [f.rating.score] : []));
  const scores: Report['ratings']['scores'] = [0, 0, 0, 0, 0];
  for (const score of rated) scores[score - 1]!++;
  return {
    days: [...byDay].map(([day, counts]) => ({ day, counts })),
    conversations: facts,
    firstResponse: times(facts.flatMap((f) => (f.firstResponseMs === null ? [] : [f.firstResponseMs]))),
    resolution: times(facts.flatMap((f) => (f.resolutionMs === null ? [] : [f.resolutionMs]))),
    ratings: { count: rated.length, average: rated.length ? rated.reduce((sum, s) => sum + s, 0) / rated.length : null, scores },
  };
}
