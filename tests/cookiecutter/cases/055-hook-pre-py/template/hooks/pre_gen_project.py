import os
with open("pre.txt", "w") as f:
    f.write("pre {{ cookiecutter.project_name }} %d\n" % len(os.listdir(".")))
