// Peer: react-chat-widget on React 17, mounted the way its README shows, as a site's bundle would.
import React from 'react';
import ReactDOM from 'react-dom';
import { Widget } from 'react-chat-widget';
import 'react-chat-widget/lib/styles.css';

const root = document.createElement('div');
document.body.append(root);
ReactDOM.render(React.createElement(Widget, { title: 'Northwind Outfitters', subtitle: 'Ask us anything', handleNewUserMessage() {} }), root);
