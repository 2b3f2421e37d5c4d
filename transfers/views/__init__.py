"""Pages of the transfers, a module per side (routes in transfers/urls.py):

- `sending`: staff of the sending organisation — may I share?, prepare, share, answer the
  parents, record a three-way meeting;
- `attachments`: the sender's attachments of a concept;
- `after_sending`: correcting (art. 16) and erasing (art. 17) what was sent;
- `receiving`: the receiving side — inbox, open, confirm, link to the receiver's own child;
- `erasure`: the receiver erases its own copy (art. 17; after a withdrawal of consent);
- `overview`: an organisation's transfers, the privacy officer's register, the guide;
- `portal`: the parents' pages in the portal (read first, timeline).

Thin: permission helper → form → one service → redirect with a message. Shared pieces of
the category forms are in `content_forms`.
"""
