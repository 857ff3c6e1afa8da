enum ScriptGenPlaceholder {}
