// Peer: the @papercups-io/chat-widget React component on React 17, as its README mounts it.
import React from 'react';
import ReactDOM from 'react-dom';
import { ChatWidget } from '@papercups-io/chat-widget';

const root = document.createElement('div');
document.body.append(root);
ReactDOM.render(React.createElement(ChatWidget, { accountId: '00000000-0000-4000-8000-000000000000', title: 'Northwind Outfitters', subtitle: 'Ask us anything', primaryColor: '#1f6feb', baseUrl: location.origin }), root);
