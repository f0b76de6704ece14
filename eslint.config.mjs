// Odoo's browser modules: ES modules with the globals Odoo provides.
export default [
    {
        files: ["voip_conference/static/**/*.js"],
        languageOptions: {
            ecmaVersion: 2024,
            sourceType: "module",
            globals: {
                odoo: "readonly",
                owl: "readonly",
                window: "readonly",
                document: "readonly",
                console: "readonly",
                setTimeout: "readonly",
                clearTimeout: "readonly",
                Date: "readonly",
                Promise: "readonly",
            },
        },
        rules: {
            "no-undef": "error",
            "no-unused-vars": "error",
            "no-var": "error",
            "prefer-const": "error",
            eqeqeq: "error",
        },
    },
];
