// The simulator page: a customer on WhatsApp, Messenger or Instagram. Each channel has its own
// customer identity (kept for this tab); a handoff link sets the prefilled text or the ref.
const log = document.getElementById('log');
const text = document.getElementById('text');
const opened = document.getElementById('opened');
const refs = {};
const shown = new Set();

const channel = () => document.querySelector('input[name=channel]:checked').value;
function user(name) {
  const key = `simulator-user-${name}`;
  let id = sessionStorage.getItem(key);
  if (!id) {
    id = name === 'whatsapp' ? `1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}` : String(Math.floor(Math.random() * 1e15));
    sessionStorage.setItem(key, id);
  }
  return id;
}

function show(content, mine) {
  const item = document.createElement('li');
  item.className = mine ? 'mine' : 'theirs';
  item.textContent = content;
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

document.getElementById('open-link').addEventListener('submit', (event) => {
  event.preventDefault();
  let url;
  try {
    url = new URL(document.getElementById('link').value.trim());
  } catch {
    opened.textContent = 'That is not a link.';
    return;
  }
  const pick = (value) => (document.querySelector(`input[value=${value}]`).checked = true);
  if (url.hostname === 'wa.me') {
    pick('whatsapp');
    text.value = url.searchParams.get('text') ?? '';
  } else if (url.hostname === 'm.me' || url.hostname === 'ig.me') {
    const name = url.hostname === 'm.me' ? 'messenger' : 'instagram';
    pick(name);
    refs[name] = url.searchParams.get('ref') ?? undefined;
  } else {
    opened.textContent = 'Only wa.me, m.me and ig.me links open here.';
    return;
  }
  opened.textContent = `Opened ${url.hostname} for ${channel()}.`;
  text.focus();
});

/** Sends what the customer wrote, with a file (its caption is the text) when one was picked. */
async function send(file) {
  const body = text.value.trim();
  if (!body && !file) return;
  const name = channel();
  const data = file && (await new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(',')[1]);
    reader.readAsDataURL(file);
  }));
  const response = await fetch('/simulator/api/send', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channel: name, user: user(name), name: 'Sam Customer', text: body, ref: refs[name], ...(file ? { file: { name: file.name, type: file.type, data } } : {}) }),
  });
  if (!response.ok) return show(`Not delivered (${response.status})`, true);
  refs[name] = undefined;
  text.value = '';
  show([file && `📎 ${file.name}`, body].filter(Boolean).join('\n'), true);
}

document.getElementById('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  void send();
});
const fileInput = document.getElementById('file');
fileInput.addEventListener('change', () => {
  const [file] = fileInput.files;
  fileInput.value = '';
  if (file) void send(file);
});

text.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) {
    event.preventDefault();
    document.getElementById('composer').requestSubmit();
  }
});

setInterval(async () => {
  const name = channel();
  const response = await fetch(`/simulator/api/replies?channel=${name}&user=${user(name)}`).catch(() => null);
  if (!response?.ok) return;
  for (const reply of (await response.json()).replies) {
    const key = `${name}:${reply.at}:${reply.text}`;
    if (shown.has(key)) continue;
    shown.add(key);
    show(reply.text, false);
  }
}, 700);
