/* License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {FloatField, floatField} from "@web/views/fields/float/float_field";
import {IntegerField, integerField} from "@web/views/fields/integer/integer_field";
import {registry} from "@web/core/registry";

/**
 * A number whose zero means "not set" (no limit, the PBX's default): zero is
 * shown as the field's placeholder, never as "0" or "0.00".
 *
 *     <field name="max_participants" widget="voip_conference_unset_number"
 *            placeholder="PBX default"/>
 *     <field name="api_read_timeout" widget="voip_conference_unset_float"
 *            placeholder="Default: 10"/>

 */
function unsetNumber(Base, template) {
    return class extends Base {
        static template = template;
        static props = {...Base.props, placeholder: {type: String, optional: true}};

        get isUnset() {
            return !this.value;
        }

        get formattedValue() {
            return this.isUnset ? "" : super.formattedValue;
        }
    };
}

export const UnsetIntegerField = unsetNumber(
    IntegerField,
    "voip_conference.UnsetIntegerField"
);
export const UnsetFloatField = unsetNumber(
    FloatField,
    "voip_conference.UnsetFloatField"
);

function fieldOf(base, component) {
    return {
        ...base,
        component,
        extractProps: (info, dynamicInfo) => ({
            ...base.extractProps(info, dynamicInfo),
            placeholder: info.placeholder,
        }),
    };
}

registry
    .category("fields")
    .add("voip_conference_unset_number", fieldOf(integerField, UnsetIntegerField))
    .add("voip_conference_unset_float", fieldOf(floatField, UnsetFloatField));
