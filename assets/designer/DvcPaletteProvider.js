/**
 * One palette entry more: "create a user task" (the only kind of task our processes run), so an
 * administrator can drag it onto the canvas directly instead of changing a plain task's type.
 */

export default function DvcPaletteProvider(palette, create, elementFactory, translate) {
  this._create = create;
  this._elementFactory = elementFactory;
  this._translate = translate;
  palette.registerProvider(this);
}

DvcPaletteProvider.$inject = [ 'palette', 'create', 'elementFactory', 'translate' ];

DvcPaletteProvider.prototype.getPaletteEntries = function () {
  const create = this._create;
  const elementFactory = this._elementFactory;

  function startCreate(event) {
    create.start(event, elementFactory.createShape({ type: 'bpmn:UserTask' }));
  }

  return {
    'create.user-task': {
      group: 'activity',
      className: 'bpmn-icon-user-task',
      title: this._translate('Create user task'),
      action: { dragstart: startCreate, click: startCreate },
    },
  };
};
