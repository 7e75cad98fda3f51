/* cmd.c: not written yet */
