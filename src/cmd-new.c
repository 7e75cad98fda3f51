/* cmd-new.c: not written yet */
