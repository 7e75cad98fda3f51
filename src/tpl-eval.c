/* tpl-eval.c: not written yet */
