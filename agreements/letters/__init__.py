"""Parent information letters: what goes into a letter, rendering it (web HTML and PDF
with WeasyPrint) and storing it immutably, plus the personalised paper batch.

- The generic letter of an active version is rendered ONCE per language and stored as a
  `Letter` (PDF through the storage API, its SHA-256, the SHA-256 of the rendered letter
  HTML, and that HTML next to the PDF so the web page shows exactly the stored text).
  Asking again returns the stored one; a consent decision references its SHA-256
  (storage.py).
- Previews of versions that are not active are rendered on the fly with a DRAFT
  watermark and never stored: a draft still changes, no parent ever sees it, so there is
  nothing to prove later (see `content.letter_preview_render`).
- Personalised paper letters (one per child × guardian with parental authority) are a
  one-page personal cover (salutation, the personal link and QR code into the parent
  portal) in front of the STORED generic letter of that version and language, which is
  never laid out again: the covers of a batch are rendered in chunks (covers.py) and each
  letter is the generic PDF plus an incremental update (pdf.py). Each is stored as a
  `Letter` row with child and guardian and its own SHA-256 over the merged bytes
  (personal.py); the generic letter it contains is its first bytes
  (`personal.personal_letter_generic`). A batch zips them (batches.py). Making a letter is
  not informing: the consent app records a ParentNotice when staff confirm the letters
  were handed over or posted.

Modules: render.py (HTML to PDF with WeasyPrint, imported lazily), links.py (the letter's
link and QR code), content.py (what a letter and its cover say), selectors.py (reading
stored letters and a batch's recipients), storage.py (storing the generic letter once),
covers.py, personal.py (its guardians' logins come from ikc_share/logins.py),
batches.py, and the pages: permissions.py, forms.py, views.py, urls.py.

The Celery tasks (agreements/tasks.py) call `storage.letter_generic_generate` and
`batches.letter_batch_run`; the services that enqueue them live in services.py (so that
no module the tasks call imports the tasks: no import cycle).
"""
