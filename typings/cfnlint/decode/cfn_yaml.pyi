# cfn-lint 1.53: no py.typed (see typings/cfnlint/__init__.pyi). `load` reads a template with
# the CloudFormation tags (!Ref, !GetAtt, !Sub, ...) turned into their JSON forms; it returns
# dict and list subclasses (with line marks), declared here as the plain objects they are.

def load(filename: str) -> dict[str, object]: ...
