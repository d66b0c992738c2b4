// Peer: the deep-chat web component, placed in the page as its README shows.
import 'deep-chat';

const chat = document.createElement('deep-chat');
document.body.append(chat);
