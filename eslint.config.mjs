// Odoo's browser modules: ES modules with the globals Odoo provides.
const RULES = {
    "no-undef": "error",
    "no-unused-vars": "error",
    "no-var": "error",
    "prefer-const": "error",
    eqeqeq: "error",
};

export default [
    {
        files: ["voip_conference*/static/**/*.js"],
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
        rules: RULES,
    },
    // The end-to-end tier's browser driver: a Node.js module (page.evaluate
    // callbacks run in the page, where `odoo`, `fetch` and `window` exist).
    {
        files: ["e2e/**/*.mjs"],
        languageOptions: {
            ecmaVersion: 2024,
            sourceType: "module",
            globals: {
                process: "readonly",
                setTimeout: "readonly",
                console: "readonly",
                Date: "readonly",
                Promise: "readonly",
                JSON: "readonly",
                String: "readonly",
                fetch: "readonly",
                odoo: "readonly",
                window: "readonly",
            },
        },
        rules: RULES,
    },
];
