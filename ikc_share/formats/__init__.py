"""One date format everywhere (settings.FORMAT_MODULE_PATH): "7 december 2026" and
"7 december 2026 15:35", in Dutch and in English ("7 December 2026"), also where a page or
a form shows a date without naming a format. An <input type="date"> keeps the ISO form the
browser needs."""
