/* blob.c: not written yet */
