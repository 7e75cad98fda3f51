/* cmd-templates.c: not written yet */
