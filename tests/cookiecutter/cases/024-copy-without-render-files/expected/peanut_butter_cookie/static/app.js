let x = "{{ y }}";
