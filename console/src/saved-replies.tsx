import { useSignal } from '@preact/signals';
import { MAX_SAVED_REPLY_LENGTH, type AgentClient, type SavedReply } from '@threadline/sdk/agent';

const newId = () => crypto.randomUUID();

/**
 * The team's saved replies: added, edited and deleted here by any agent, typed in a conversation as
 * `/` and the shortcut. Each change saves the whole list, sealed on this device for the team.
 */
export function SavedReplies({ client }: { client: AgentClient }) {
  const replies = client.savedReplies.value;
  /** The reply being edited (its id), or null while adding one. */
  const editing = useSignal<string | null>(null);
  const status = useSignal('');
  const failed = useSignal(false);
  const current = replies.find((r) => r.id === editing.value);

  async function save(next: readonly SavedReply[], done: string): Promise<boolean> {
    try {
      await client.saveReplies(next);
      failed.value = false;
      status.value = done;
      return true;
    } catch (error) {
      failed.value = true;
      status.value = error instanceof Error ? error.message : String(error);
      return false;
    }
  }

  async function submit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const reply = { id: editing.value ?? newId(), shortcut: String(data.get('shortcut') ?? '').trim().replace(/^\//, '').toLowerCase(), text: String(data.get('text') ?? '').trim() };
    const next = editing.value ? replies.map((r) => (r.id === reply.id ? reply : r)) : [...replies, reply];
    if (await save(next, `Saved /${reply.shortcut}.`)) {
      form.reset();
      editing.value = null;
    }
  }

  return (
    <main class="page saved-replies">
      <h1>Saved replies</h1>
      <p>
        Your team’s answers to common questions. In a conversation, type <kbd>/</kbd> and a shortcut to insert one. They are encrypted on this device for your team’s approved devices: the relay stores them but cannot read them.
      </p>
      {client.savedRepliesProblem.value && (
        <p class="error" role="alert">
          {client.savedRepliesProblem.value}
        </p>
      )}
      {replies.length ? (
        <ul class="saved-list" aria-label="Saved replies">
          {replies.map((reply) => (
            <li key={reply.id}>
              <div>
                <span class="shortcut">/{reply.shortcut}</span>
                <p>{reply.text}</p>
              </div>
              <button type="button" aria-label={`Edit /${reply.shortcut}`} onClick={() => (editing.value = reply.id)}>
                Edit
              </button>
              <button type="button" class="danger" aria-label={`Delete /${reply.shortcut}`} onClick={() => void save(replies.filter((r) => r.id !== reply.id), `Deleted /${reply.shortcut}.`)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty-note">No saved replies yet. Add the answers your team writes most often.</p>
      )}
      {/* Keyed by what is edited, so the fields start from that reply's words. */}
      <form key={editing.value ?? 'new'} class="inline saved-form" onSubmit={(event) => void submit(event)}>
        <h2>{current ? `Edit /${current.shortcut}` : 'Add a saved reply'}</h2>
        <label>
          Shortcut
          <span class="shortcut-field">
            <span aria-hidden="true">/</span>
            <input name="shortcut" required maxLength={32} pattern="/?[a-zA-Z0-9][a-zA-Z0-9\-]{0,31}" defaultValue={current?.shortcut ?? ''} placeholder="refund" autocomplete="off" />
          </span>
        </label>
        <label>
          Text
          <textarea name="text" required rows={4} maxLength={MAX_SAVED_REPLY_LENGTH} defaultValue={current?.text ?? ''} placeholder="Your refund is on its way: it shows on your statement within 5 working days." />
        </label>
        <div class="form-actions">
          <button class="primary" type="submit">
            {current ? 'Save changes' : 'Add saved reply'}
          </button>
          {current && (
            <button type="button" onClick={() => (editing.value = null)}>
              Cancel
            </button>
          )}
        </div>
        <p role="status" class={failed.value ? 'error' : 'meta'}>
          {status.value}
        </p>
      </form>
    </main>
  );
}
