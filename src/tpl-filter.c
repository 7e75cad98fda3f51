/* tpl-filter.c: not written yet */
