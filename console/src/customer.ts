import type { AgentClient, ConversationSummary } from '@threadline/sdk/agent';

/**
 * A short, stable label for the customer: their messenger profile name (decrypted from their latest
 * message that carries one; the relay keeps only a shortened id), or an anonymous web visitor.
 */
export const visitorLabel = (client: AgentClient, conversation: ConversationSummary) =>
  client.messages(conversation.id).value.findLast((m) => m.sender)?.sender ?? conversation.channel?.label ?? `Visitor ${(conversation.visitor?.id ?? conversation.id).slice(0, 6)}`;
