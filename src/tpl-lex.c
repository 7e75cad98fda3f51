/* tpl-lex.c: not written yet */
