"""The "create your own AI" lab: small labelled datasets, a text classifier trained in the chat, bias and fixes."""
