import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** counselorId belongs to mediated calls: required with kind "mediated", refused with "supervised". */
export function CounselorMatchesKind(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'counselorMatchesKind',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const kind = (args.object as { kind?: unknown }).kind;
          if (kind === 'mediated') return value !== undefined;
          if (kind === 'supervised') return value === undefined;
          return true;
        },
        defaultMessage: (args: ValidationArguments) =>
          (args.object as { kind?: unknown }).kind === 'mediated'
            ? 'counselorId is required for a mediated call (the counselor who mediates)'
            : 'counselorId goes only with kind "mediated"; a supervised call has no counselor',
      },
    });
}

/** A query value that may be given once, repeated (?status=a&status=b) or comma-separated (?status=a,b). */
export const toList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.split(',').map((part) => part.trim()) : value;
