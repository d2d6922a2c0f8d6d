# cfn-lint 1.53: no py.typed (see typings/cfnlint/__init__.pyi).
