/* cmd-options.c: not written yet */
