-- An agent's reply carries files: the sender reads a message's files when it mails the reply.
CREATE INDEX ticket_attachments_message ON ticket_attachments(ticket_message_id);
