/* tpl-parse.c: not written yet */
