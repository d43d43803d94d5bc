"""Forms designed by administrators (biểu mẫu điện tử): definitions, versions, field templates, the
field palette compiled to JSON Schema 2020-12 plus a UI schema, server-side rendering, parsing and
validation of submissions, the prefill (once-only data) plugin registry and the document wallet.

A generic engine: it knows nothing of dossiers or procedures. A caller (the portal wizard, the
counter) holds a published ``FormVersion`` (freeze it with a ``PROTECT`` foreign key) and:

1. ``prefilled = prefill.prefill_form(version.spec, context=PrefillContext(user=…, organisation=…))``
   and ``offered = prefill.wallet_choices(version.spec, owner=user, today=…)``;
2. renders ``rendering.render_form(version.spec, data=…, errors=…, prefilled=prefilled,
   wallet=offered)`` inside its own ``<form method="post" enctype="multipart/form-data" novalidate>``
   (plus ``rendering.render_error_summary`` above it, ``forms/forms.css`` and ``forms/form.js``);
3. on POST: ``result = validation.process_submission(version.spec, request.POST, request.FILES,
   wallet=offered)``; when ``result.is_valid`` it stores ``result.data`` (JSON), checks and stores
   ``result.files`` (JSON pointer → upload) and calls ``services.record_wallet_use`` for each of
   ``result.wallet_documents``; otherwise it renders again with ``data=result.data,
   errors=result.errors, prefilled=result.prefilled``.

JSON from elsewhere (the API) is checked with ``validation.validate_data(spec, data)``. The printable
declaration (tờ khai) of a version, blank or filled with data, is ``documents.declaration_docx`` /
``documents.declaration_pdf``. File slots name
a required-document key (``document_key``): pass the procedure's keys as ``document_keys`` when
saving or publishing so a slot cannot point at a document the procedure does not ask for.
"""
